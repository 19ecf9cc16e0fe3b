import fs from "node:fs";
import path from "node:path";
import type { EngineItem } from "../types";
import type { FeatureRows } from "../models/two-tower";

/** Interactions over dense indices, as the evaluation harness and the matrix models read them. */
export interface IndexedInteractions {
  users: string[];
  items: string[];
  /** Parallel arrays, one entry per interaction. */
  user: Int32Array;
  item: Int32Array;
  time: Float64Array;
  rating: Float32Array;
}

/** Builds the indices from (user, item, time, rating) rows, users and items in order of first sight. */
export function indexInteractions(rows: Iterable<{ user: string; item: string; time: number; rating?: number }>): IndexedInteractions {
  const userIndex = new Map<string, number>();
  const itemIndex = new Map<string, number>();
  const user: number[] = [];
  const item: number[] = [];
  const time: number[] = [];
  const rating: number[] = [];
  for (const row of rows) {
    let u = userIndex.get(row.user);
    if (u === undefined) userIndex.set(row.user, (u = userIndex.size));
    let i = itemIndex.get(row.item);
    if (i === undefined) itemIndex.set(row.item, (i = itemIndex.size));
    user.push(u);
    item.push(i);
    time.push(row.time);
    rating.push(row.rating ?? 1);
  }
  return {
    users: [...userIndex.keys()],
    items: [...itemIndex.keys()],
    user: Int32Array.from(user),
    item: Int32Array.from(item),
    time: Float64Array.from(time),
    rating: Float32Array.from(rating),
  };
}

/** MovieLens 100k: u.data is "user \t item \t rating \t unix seconds"; every rating is a positive interaction. */
export function loadMovieLens100k(folder: string): IndexedInteractions {
  const file = path.join(folder, "u.data");
  if (!fs.existsSync(file)) throw new Error(`${folder} is not the MovieLens 100k folder: ${file} is missing`);
  const rows = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line, index) => {
      const [user, item, rating, seconds] = line.split("\t");
      if (!user || !item || !rating || !seconds)
        throw new Error(`${file}, line ${index + 1}: expected user, item, rating and time separated by tabs`);
      return { user, item, rating: Number(rating), time: Number(seconds) * 1000 };
    });
  return indexInteractions(rows);
}

/** What MovieLens 100k says about its films and its users, indexed like the interactions. */
export interface MovieLensSideInfo {
  /** Films as catalogue items: the title, the genres as tags, the decade as the product type. */
  items: EngineItem[];
  /** One-hot user features: age band, gender, occupation. */
  userFeatures: FeatureRows;
}

export function loadMovieLens100kSideInfo(folder: string, data: IndexedInteractions): MovieLensSideInfo {
  const read = (name: string) => {
    const file = path.join(folder, name);
    if (!fs.existsSync(file)) throw new Error(`${folder} is not the MovieLens 100k folder: ${file} is missing`);
    // u.item is Latin-1.
    return fs
      .readFileSync(file, "latin1")
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split("|"));
  };
  const genres = read("u.genre").map(([name]) => name);
  const films = new Map(
    read("u.item").map(([id, title, released, , , ...flags]) => {
      const year = /(\d{4})$/.exec(released ?? "")?.[1];
      return [
        id,
        {
          id,
          title: title.replace(/\s*\(\d{4}\)\s*$/, ""),
          tags: flags.flatMap((flag, index) => (flag === "1" && genres[index] ? [genres[index]] : [])),
          productType: year ? `${year.slice(0, 3)}0s` : undefined,
        } satisfies EngineItem,
      ];
    }),
  );
  const people = new Map(
    read("u.user").map(([id, age, gender, occupation]) => [
      id,
      [`age:${Math.min(6, Math.floor(Number(age) / 10))}`, `gender:${gender}`, `occupation:${occupation}`],
    ]),
  );
  const vocabulary = new Map<string, number>();
  const rowStart = new Int32Array(data.users.length + 1);
  const cols: number[] = [];
  data.users.forEach((id, user) => {
    for (const feature of people.get(id) ?? []) {
      if (!vocabulary.has(feature)) vocabulary.set(feature, vocabulary.size);
      cols.push(vocabulary.get(feature)!);
    }
    rowStart[user + 1] = cols.length;
  });
  return {
    items: data.items.map((id) => films.get(id) ?? { id, title: id }),
    userFeatures: { features: vocabulary.size, rowStart, cols: Int32Array.from(cols), values: new Float32Array(cols.length).fill(1) },
  };
}
