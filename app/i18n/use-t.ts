import { useRouteLoaderData } from "@remix-run/react";
import { translator, type Locale, type Translate } from "./admin";

/** The admin's translate function, in the language the app layout chose (routes/app's loader). */
export function useT(): Translate {
  return translator(useLocale());
}

function useLocale(): Locale {
  const data = useRouteLoaderData<{ locale: Locale }>("routes/app");
  return data?.locale ?? "en";
}

/** Numbers, money and dates in the merchant's language. */
export function useFormat() {
  const locale = useLocale();
  return {
    number: (value: number, digits = 0) => value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }),
    percent: (value: number) => value.toLocaleString(locale, { style: "percent", maximumFractionDigits: 1 }),
    money: (value: number, currency: string) => value.toLocaleString(locale, { style: "currency", currency }),
    date: (value: string | Date) => new Date(value).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }),
    day: (value: string | Date) => new Date(value).toLocaleDateString(locale, { month: "short", day: "numeric" }),
  };
}
