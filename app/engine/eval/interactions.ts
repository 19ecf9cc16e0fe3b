import fs from "node:fs";
import path from "node:path";

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
      if (!user || !item || !rating || !seconds) throw new Error(`${file}, line ${index + 1}: expected user, item, rating and time separated by tabs`);
      return { user, item, rating: Number(rating), time: Number(seconds) * 1000 };
    });
  return indexInteractions(rows);
}
