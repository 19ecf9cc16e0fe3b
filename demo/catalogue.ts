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

const FLAT = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
const SIZES = ["S", "M", "L"];

export const CATEGORIES: CategorySpec[] = [
  {
    handle: "camping",
    title: "Camping",
    season: [0.4, 0.5, 0.8, 1.2, 1.7, 2.2, 2.4, 2.0, 1.3, 0.8, 0.5, 0.6],
    nouns: [
      { noun: "2-Person Tent", productType: "Tents", basePrice: 249 },
      { noun: "Sleeping Bag", productType: "Sleeping Bags", basePrice: 149, variants: ["Regular", "Long"] },
      { noun: "Sleeping Pad", productType: "Sleeping Pads", basePrice: 89 },
      { noun: "Headlamp", productType: "Lighting", basePrice: 39 },
      { noun: "Camp Stove", productType: "Stoves", basePrice: 79 },
      { noun: "Fuel Canister", productType: "Fuel", basePrice: 9, rebuyDays: 45 },
      { noun: "Camp Chair", productType: "Furniture", basePrice: 59 },
      { noun: "Water Filter", productType: "Hydration", basePrice: 45 },
    ],
    complements: [
      ["2-Person Tent", "Sleeping Bag", "Sleeping Pad", "Headlamp"],
      ["Camp Stove", "Fuel Canister"],
    ],
    materials: ["ripstop nylon", "recycled polyester", "aluminium"],
    activities: ["backpacking", "car camping"],
  },
  {
    handle: "hiking-footwear",
    title: "Hiking Footwear",
    season: [0.6, 0.7, 1.0, 1.3, 1.4, 1.3, 1.2, 1.2, 1.3, 1.1, 0.8, 0.9],
    nouns: [
      { noun: "Hiking Boots", productType: "Boots", basePrice: 189, variants: ["8", "9", "10", "11"] },
      { noun: "Trail Runners", productType: "Shoes", basePrice: 139, variants: ["8", "9", "10", "11"] },
      { noun: "Merino Crew Socks", productType: "Socks", basePrice: 22, rebuyDays: 90, variants: SIZES },
      { noun: "Gaiters", productType: "Accessories", basePrice: 35 },
      { noun: "Cushioned Insoles", productType: "Accessories", basePrice: 29, rebuyDays: 180 },
    ],
    complements: [
      ["Hiking Boots", "Merino Crew Socks", "Gaiters"],
      ["Trail Runners", "Cushioned Insoles", "Merino Crew Socks"],
    ],
    materials: ["merino wool", "full-grain leather", "mesh"],
    activities: ["hiking", "trail running"],
  },
  {
    handle: "outerwear",
    title: "Outerwear",
    season: [1.6, 1.2, 0.9, 0.7, 0.5, 0.4, 0.4, 0.5, 0.9, 1.4, 1.8, 2.0],
    nouns: [
      { noun: "Rain Jacket", productType: "Jackets", basePrice: 159, variants: SIZES },
      { noun: "Down Jacket", productType: "Jackets", basePrice: 229, variants: SIZES },
      { noun: "Fleece Pullover", productType: "Fleece", basePrice: 89, variants: SIZES },
      { noun: "Knit Beanie", productType: "Hats", basePrice: 28 },
      { noun: "Insulated Gloves", productType: "Gloves", basePrice: 45, variants: SIZES },
    ],
    complements: [
      ["Down Jacket", "Knit Beanie", "Insulated Gloves"],
      ["Rain Jacket", "Fleece Pullover"],
    ],
    materials: ["recycled down", "Gore-Tex", "polar fleece"],
    activities: ["commuting", "hiking"],
  },
  {
    handle: "kitchen",
    title: "Kitchen",
    season: [0.9, 0.8, 0.9, 0.9, 1.0, 0.9, 0.8, 0.8, 0.9, 1.0, 1.4, 1.9],
    nouns: [
      { noun: "Chef Knife", productType: "Knives", basePrice: 119 },
      { noun: "Cutting Board", productType: "Boards", basePrice: 49 },
      { noun: "Knife Sharpener", productType: "Knives", basePrice: 39 },
      { noun: "Cast Iron Skillet", productType: "Cookware", basePrice: 69 },
      { noun: "Dutch Oven", productType: "Cookware", basePrice: 159 },
      { noun: "Wooden Spatula", productType: "Utensils", basePrice: 15 },
      { noun: "Board Oil", productType: "Care", basePrice: 12, rebuyDays: 120 },
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
    handle: "coffee",
    title: "Coffee",
    season: FLAT,
    nouns: [
      { noun: "Burr Coffee Grinder", productType: "Grinders", basePrice: 139 },
      { noun: "Single-Origin Coffee Beans", productType: "Coffee Beans", basePrice: 18, rebuyDays: 30, variants: ["Whole bean", "Ground"] },
      { noun: "Paper Filters", productType: "Filters", basePrice: 8, rebuyDays: 60 },
      { noun: "Pour-Over Dripper", productType: "Brewers", basePrice: 35 },
      { noun: "Gooseneck Kettle", productType: "Kettles", basePrice: 79 },
      { noun: "French Press", productType: "Brewers", basePrice: 45 },
    ],
    complements: [
      ["Burr Coffee Grinder", "Single-Origin Coffee Beans"],
      ["Pour-Over Dripper", "Paper Filters", "Gooseneck Kettle"],
    ],
    materials: ["stainless steel", "borosilicate glass", "ceramic"],
    activities: ["brewing"],
  },
  {
    handle: "yoga",
    title: "Yoga",
    season: [2.0, 1.4, 1.1, 1.0, 0.9, 0.8, 0.8, 0.8, 1.0, 1.0, 0.9, 0.9],
    nouns: [
      { noun: "Yoga Mat", productType: "Mats", basePrice: 79 },
      { noun: "Cork Yoga Block", productType: "Props", basePrice: 22 },
      { noun: "Yoga Strap", productType: "Props", basePrice: 15 },
      { noun: "High-Rise Leggings", productType: "Leggings", basePrice: 89, variants: SIZES },
      { noun: "Mat Cleaner", productType: "Care", basePrice: 14, rebuyDays: 45 },
    ],
    complements: [
      ["Yoga Mat", "Cork Yoga Block", "Yoga Strap"],
      ["Yoga Mat", "Mat Cleaner"],
    ],
    materials: ["natural rubber", "cork", "organic cotton"],
    activities: ["yoga", "pilates"],
  },
  {
    handle: "swimwear",
    title: "Swimwear",
    season: [0.2, 0.3, 0.5, 0.9, 1.6, 2.6, 3.0, 2.4, 0.9, 0.4, 0.2, 0.3],
    nouns: [
      { noun: "Swim Trunks", productType: "Swimwear", basePrice: 49, variants: SIZES },
      { noun: "One-Piece Swimsuit", productType: "Swimwear", basePrice: 79, variants: SIZES },
      { noun: "Beach Towel", productType: "Towels", basePrice: 39 },
      { noun: "Swim Goggles", productType: "Goggles", basePrice: 25 },
      { noun: "Reef-Safe Sunscreen", productType: "Sun Care", basePrice: 16, rebuyDays: 30 },
    ],
    complements: [
      ["One-Piece Swimsuit", "Beach Towel", "Reef-Safe Sunscreen"],
      ["Swim Trunks", "Swim Goggles"],
    ],
    materials: ["recycled nylon", "Turkish cotton"],
    activities: ["swimming", "beach days"],
  },
  {
    handle: "winter-sports",
    title: "Winter Sports",
    season: [2.4, 2.0, 1.2, 0.5, 0.2, 0.1, 0.1, 0.2, 0.5, 1.2, 2.2, 2.6],
    nouns: [
      { noun: "Ski Goggles", productType: "Goggles", basePrice: 129 },
      { noun: "Ski Gloves", productType: "Gloves", basePrice: 69, variants: SIZES },
      { noun: "Ski Helmet", productType: "Helmets", basePrice: 149, variants: SIZES },
      { noun: "Merino Base Layer", productType: "Base Layers", basePrice: 99, variants: SIZES },
      { noun: "Neck Gaiter", productType: "Accessories", basePrice: 25 },
      { noun: "Hand Warmers", productType: "Accessories", basePrice: 12, rebuyDays: 20 },
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
