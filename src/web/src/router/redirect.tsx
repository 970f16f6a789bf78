import { useEffect } from 'react';
import { navigate } from './history';

/** Replaces the address with another (for paths that are only a doorway, like /reports). */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
