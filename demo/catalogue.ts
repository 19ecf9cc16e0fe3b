/**
 * The demo store's categories: what they sell, at what prices, in which season, and which
 * products go together. The generator builds products and shopping behaviour from this.
 */
export interface CategorySpec {
  handle: string;
  title: string;
  /** Relative demand per month, January first. */
  season: number[];
  nouns: NounSpec[];
  /** Products that are bought together (nouns of this category). */
  complements: string[][];
  materials: string[];
  activities: string[];
}

export interface NounSpec {
  noun: string;
  productType: string;
  basePrice: number;
  /** Days between repurchases for consumables; absent for durable goods. */
  rebuyDays?: number;
  variants?: string[];
}

/** A noun as the table writes it: name, product type, base price, and for some a repurchase interval or variants. */
type NounRow = [noun: string, productType: string, basePrice: number, extra?: Pick<NounSpec, "rebuyDays" | "variants">];

/** A category as the table writes it: its handle is its title in kebab case, its nouns are rows. */
type CategoryRow = Omit<CategorySpec, "handle" | "nouns"> & { nouns: NounRow[] };

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const SIZES = ["S", "M", "L"];
const SHOE_SIZES = ["8", "9", "10", "11"];

/** Expands a table row into the category the generator reads. */
function category({ title, season, nouns, complements, materials, activities }: CategoryRow): CategorySpec {
  const handle = title.toLowerCase().replaceAll(" ", "-");
  return { handle, title, season, nouns: nouns.map(noun), complements, materials, activities };
}

/** Expands a noun row: a durable good has no rebuyDays key, a noun sold only in the product's colour no variants key. */
function noun([noun, productType, basePrice, { rebuyDays, variants } = {}]: NounRow): NounSpec {
  return {
    noun,
    productType,
    basePrice,
    ...(rebuyDays === undefined ? {} : { rebuyDays }),
    ...(variants === undefined ? {} : { variants }),
  };
}

const CATEGORY_ROWS: CategoryRow[] = [
  {
    title: "Camping",
    season: [0.4, 0.5, 0.8, 1.2, 1.7, 2.2, 2.4, 2.0, 1.3, 0.8, 0.5, 0.6],
    nouns: [
      ["2-Person Tent", "Tents", 249],
      ["Sleeping Bag", "Sleeping Bags", 149, { variants: ["Regular", "Long"] }],
      ["Sleeping Pad", "Sleeping Pads", 89],
      ["Headlamp", "Lighting", 39],
      ["Camp Stove", "Stoves", 79],
      ["Fuel Canister", "Fuel", 9, { rebuyDays: 45 }],
      ["Camp Chair", "Furniture", 59],
      ["Water Filter", "Hydration", 45],
    ],
    complements: [
      ["2-Person Tent", "Sleeping Bag", "Sleeping Pad", "Headlamp"],
      ["Camp Stove", "Fuel Canister"],
    ],
    materials: ["ripstop nylon", "recycled polyester", "aluminium"],
    activities: ["backpacking", "car camping"],
  },
  {
    title: "Hiking Footwear",
    season: [0.6, 0.7, 1.0, 1.3, 1.4, 1.3, 1.2, 1.2, 1.3, 1.1, 0.8, 0.9],
    nouns: [
      ["Hiking Boots", "Boots", 189, { variants: SHOE_SIZES }],
      ["Trail Runners", "Shoes", 139, { variants: SHOE_SIZES }],
      ["Merino Crew Socks", "Socks", 22, { rebuyDays: 90, variants: SIZES }],
      ["Gaiters", "Accessories", 35],
      ["Cushioned Insoles", "Accessories", 29, { rebuyDays: 180 }],
    ],
    complements: [
      ["Hiking Boots", "Merino Crew Socks", "Gaiters"],
      ["Trail Runners", "Cushioned Insoles", "Merino Crew Socks"],
    ],
    materials: ["merino wool", "full-grain leather", "mesh"],
    activities: ["hiking", "trail running"],
  },
  {
    title: "Outerwear",
    season: [1.6, 1.2, 0.9, 0.7, 0.5, 0.4, 0.4, 0.5, 0.9, 1.4, 1.8, 2.0],
    nouns: [
      ["Rain Jacket", "Jackets", 159, { variants: SIZES }],
      ["Down Jacket", "Jackets", 229, { variants: SIZES }],
      ["Fleece Pullover", "Fleece", 89, { variants: SIZES }],
      ["Knit Beanie", "Hats", 28],
      ["Insulated Gloves", "Gloves", 45, { variants: SIZES }],
    ],
    complements: [
      ["Down Jacket", "Knit Beanie", "Insulated Gloves"],
      ["Rain Jacket", "Fleece Pullover"],
    ],
    materials: ["recycled down", "Gore-Tex", "polar fleece"],
    activities: ["commuting", "hiking"],
  },
  {
    title: "Kitchen",
    season: [0.9, 0.8, 0.9, 0.9, 1.0, 0.9, 0.8, 0.8, 0.9, 1.0, 1.4, 1.9],
    nouns: [
      ["Chef Knife", "Knives", 119],
      ["Cutting Board", "Boards", 49],
      ["Knife Sharpener", "Knives", 39],
      ["Cast Iron Skillet", "Cookware", 69],
      ["Dutch Oven", "Cookware", 159],
      ["Wooden Spatula", "Utensils", 15],
      ["Board Oil", "Care", 12, { rebuyDays: 120 }],
    ],
    complements: [
      ["Chef Knife", "Cutting Board", "Knife Sharpener"],
      ["Cast Iron Skillet", "Wooden Spatula"],
      ["Cutting Board", "Board Oil"],
    ],
    materials: ["carbon steel", "walnut", "enamelled cast iron"],
    activities: ["cooking", "baking"],
  },
  {
    title: "Coffee",
    season: FLAT,
    nouns: [
      ["Burr Coffee Grinder", "Grinders", 139],
      ["Single-Origin Coffee Beans", "Coffee Beans", 18, { rebuyDays: 30, variants: ["Whole bean", "Ground"] }],
      ["Paper Filters", "Filters", 8, { rebuyDays: 60 }],
      ["Pour-Over Dripper", "Brewers", 35],
      ["Gooseneck Kettle", "Kettles", 79],
      ["French Press", "Brewers", 45],
    ],
    complements: [
      ["Burr Coffee Grinder", "Single-Origin Coffee Beans"],
      ["Pour-Over Dripper", "Paper Filters", "Gooseneck Kettle"],
    ],
    materials: ["stainless steel", "borosilicate glass", "ceramic"],
    activities: ["brewing"],
  },
  {
    title: "Yoga",
    season: [2.0, 1.4, 1.1, 1.0, 0.9, 0.8, 0.8, 0.8, 1.0, 1.0, 0.9, 0.9],
    nouns: [
      ["Yoga Mat", "Mats", 79],
      ["Cork Yoga Block", "Props", 22],
      ["Yoga Strap", "Props", 15],
      ["High-Rise Leggings", "Leggings", 89, { variants: SIZES }],
      ["Mat Cleaner", "Care", 14, { rebuyDays: 45 }],
    ],
    complements: [
      ["Yoga Mat", "Cork Yoga Block", "Yoga Strap"],
      ["Yoga Mat", "Mat Cleaner"],
    ],
    materials: ["natural rubber", "cork", "organic cotton"],
    activities: ["yoga", "pilates"],
  },
  {
    title: "Swimwear",
    season: [0.2, 0.3, 0.5, 0.9, 1.6, 2.6, 3.0, 2.4, 0.9, 0.4, 0.2, 0.3],
    nouns: [
      ["Swim Trunks", "Swimwear", 49, { variants: SIZES }],
      ["One-Piece Swimsuit", "Swimwear", 79, { variants: SIZES }],
      ["Beach Towel", "Towels", 39],
      ["Swim Goggles", "Goggles", 25],
      ["Reef-Safe Sunscreen", "Sun Care", 16, { rebuyDays: 30 }],
    ],
    complements: [
      ["One-Piece Swimsuit", "Beach Towel", "Reef-Safe Sunscreen"],
      ["Swim Trunks", "Swim Goggles"],
    ],
    materials: ["recycled nylon", "Turkish cotton"],
    activities: ["swimming", "beach days"],
  },
  {
    title: "Winter Sports",
    season: [2.4, 2.0, 1.2, 0.5, 0.2, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 2.6],
    nouns: [
      ["Ski Goggles", "Goggles", 129],
      ["Ski Gloves", "Gloves", 69, { variants: SIZES }],
      ["Ski Helmet", "Helmets", 149, { variants: SIZES }],
      ["Merino Base Layer", "Base Layers", 99, { variants: SIZES }],
      ["Neck Gaiter", "Accessories", 25],
      ["Hand Warmers", "Accessories", 12, { rebuyDays: 20 }],
    ],
    complements: [
      ["Ski Goggles", "Ski Gloves", "Ski Helmet"],
      ["Merino Base Layer", "Neck Gaiter"],
      ["Ski Gloves", "Hand Warmers"],
    ],
    materials: ["merino wool", "polycarbonate", "PrimaLoft"],
    activities: ["skiing", "snowboarding"],
  },
];

export const CATEGORIES: CategorySpec[] = CATEGORY_ROWS.map(category);

export const LINES = [
  "Summit",
  "Trailhead",
  "Cascade",
  "Harbor",
  "Ridge",
  "Aurora",
  "Meridian",
  "Juniper",
  "Basalt",
  "Tidewater",
  "Northwind",
  "Alder",
];
export const ADJECTIVES = [
  "Ultralight",
  "Classic",
  "Everyday",
  "Expedition",
  "Packable",
  "Heritage",
  "Pro",
  "Essential",
  "Weekend",
  "Alpine",
];
export const COLOURS = ["Forest", "Slate", "Ember", "Glacier", "Sand", "Midnight", "Sage", "Rust"];
export const VENDORS = ["Northfold", "Kettle & Pine", "Altura Gear", "Saltline", "Mesa Works", "Brightwater"];

export const FIRST_NAMES = [
  "Ana",
  "Ben",
  "Chloe",
  "Diego",
  "Emma",
  "Farah",
  "Gus",
  "Hana",
  "Ivan",
  "Jade",
  "Kai",
  "Lena",
  "Mateo",
  "Nia",
  "Owen",
  "Priya",
  "Quinn",
  "Rosa",
  "Sam",
  "Tara",
  "Uma",
  "Victor",
  "Wen",
  "Yara",
  "Zoe",
  "Liam",
  "Maya",
  "Noah",
  "Olivia",
  "Leo",
];
export const LAST_NAMES = [
  "Garcia",
  "Smith",
  "Nguyen",
  "Müller",
  "Okafor",
  "Rossi",
  "Kim",
  "Silva",
  "Johansson",
  "Dubois",
  "Patel",
  "Novak",
  "Tanaka",
  "Murphy",
  "Cohen",
  "Haddad",
  "Larsen",
  "Kowalski",
  "Moreau",
  "Brown",
];

/** [country, province, city, relative share of customers]. */
export const LOCATIONS: [string, string | null, string, number][] = [
  ["US", "CA", "San Francisco", 8],
  ["US", "NY", "New York", 9],
  ["US", "CO", "Denver", 6],
  ["US", "WA", "Seattle", 6],
  ["US", "TX", "Austin", 5],
  ["US", "IL", "Chicago", 5],
  ["CA", "BC", "Vancouver", 5],
  ["CA", "ON", "Toronto", 5],
  ["GB", null, "London", 6],
  ["DE", null, "Berlin", 4],
  ["FR", null, "Lyon", 3],
  ["ES", null, "Madrid", 3],
  ["AU", "NSW", "Sydney", 4],
  ["SE", null, "Stockholm", 2],
  ["JP", null, "Tokyo", 3],
];
