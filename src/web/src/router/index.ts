export { currentLocation, matchPath, navigate, type Params } from './history';
export { Link } from './link';
export { useLocation, useQueryState } from './use-location';
