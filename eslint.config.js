// ESLint: typescript-eslint's parser and base rules, and functions a screen long at most in the
// product's own source (tests may hold long tables of cases).
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "extensions/**/dist/**", "public/build/**", ".cache/**"] },
  {
    files: ["**/*.{ts,tsx,js,cjs,mjs}"],
    extends: [tseslint.configs.base],
    rules: {
      "max-lines-per-function": ["error", { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["test/**", "**/*.test.ts", "**/*.test.tsx", "**/*.e2e.ts"],
    rules: { "max-lines-per-function": "off" },
  },
);
