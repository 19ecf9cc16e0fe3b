import type { IndexedInteractions } from "./interactions";
import { seededRandom } from "../math/random";

export { seededRandom } from "../math/random";

/** A train/test split as lists of interaction positions. */
export interface Split {
  train: Int32Array;
  test: Int32Array;
}

function shuffle(values: number[], random: () => number) {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
}

/**
 * "stratified-75-25": for each user, a seeded random `ratio` of their interactions go to
 * training and the rest to test (round(ratio × n) to training, as Microsoft Recommenders'
 * python_stratified_split does). `among` restricts the split to those positions (to carve a
 * validation split out of a training set).
 */
export function stratifiedSplit(data: IndexedInteractions, ratio: number, seed: number, among?: Int32Array): Split {
  const random = seededRandom(seed);
  const positions = among ?? Int32Array.from(data.user.keys());
  const byUser = new Map<number, number[]>();
  for (const position of positions) {
    const user = data.user[position];
    let list = byUser.get(user);
    if (!list) byUser.set(user, (list = []));
    list.push(position);
  }
  const train: number[] = [];
  const test: number[] = [];
  for (const user of [...byUser.keys()].sort((a, b) => a - b)) {
    const list = byUser.get(user)!;
    shuffle(list, random);
    const cut = Math.round(ratio * list.length);
    for (let i = 0; i < list.length; i++) (i < cut ? train : test).push(list[i]);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}

/** "random-80-20": a seeded global random split of all interactions. */
export function randomSplit(data: IndexedInteractions, ratio: number, seed: number, among?: Int32Array): Split {
  const random = seededRandom(seed);
  const positions = [...(among ?? data.user.keys())];
  shuffle(positions, random);
  const cut = Math.round(ratio * positions.length);
  return { train: Int32Array.from(positions.slice(0, cut)), test: Int32Array.from(positions.slice(cut)) };
}

/** "time": training before `cutoff`, test from `cutoff` until `end` (exclusive), both in ms. */
export function timeSplit(data: IndexedInteractions, cutoff: number, end = Infinity): Split {
  const train: number[] = [];
  const test: number[] = [];
  for (let position = 0; position < data.time.length; position++) {
    const time = data.time[position];
    if (time < cutoff) train.push(position);
    else if (time < end) test.push(position);
  }
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
