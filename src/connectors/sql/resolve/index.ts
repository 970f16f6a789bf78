export { hashLength, resolveDataset } from './resolve-dataset.js';
export type {
  ResolvedDataset,
  ResolvedHop,
  ResolvedItem,
  ResolvedLink,
  ResolvedStrategy,
} from './resolved.js';
