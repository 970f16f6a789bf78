import type { Capability } from '../api/types';
import { PageHeader } from '../components/page-header';
import { capabilityLabels } from '../lib/capabilities';
import { Link } from '../router';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>There is no page at this address.</p>
      <p>
        <Link to="/">Go to the dashboard</Link>
      </p>
    </>
  );
}

/** The page exists, but the account lacks the capability: say which. */
export function ForbiddenPage({ needs }: { needs: Capability[] }) {
  return (
    <>
      <PageHeader title="You can't open this page" />
      <p>
        It needs {needs.length === 1 ? 'the capability' : 'one of the capabilities'}{' '}
        {needs.map((c, i) => (
          <span key={c}>
            {i > 0 ? ', ' : ''}
            <strong>{capabilityLabels[c]}</strong> (<span className="code">{c}</span>)
          </span>
        ))}
        . An administrator can grant it to one of your roles.
      </p>
      <p>
        <Link to="/">Go to the dashboard</Link>
      </p>
    </>
  );
}
