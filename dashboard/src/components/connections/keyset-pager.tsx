/**
 * Keyset paging over a `cursor` search param: "Next page" follows the list's next cursor, "Previous" goes back to the
 * cursor that led here. Pages are never numbered (an offset would scan every skipped row at 100k connections), so the
 * way back is remembered per list: which cursor each page was reached from. A shared link that starts mid-list has no
 * such memory and offers "First page" instead.
 */
import { Button } from '../ui/button';
import { ChevronRightIcon } from '../ui/icons';
import { TableFooter } from '../ui/table';

/** list scope (path + filters) → cursor of a page → cursor of the page before it (undefined: the first page). */
const cameFrom = new Map<string, Map<string, string | undefined>>();

function trailOf(scope: string): Map<string, string | undefined> {
  let trail = cameFrom.get(scope);
  if (trail === undefined) {
    trail = new Map();
    cameFrom.set(scope, trail);
  }
  return trail;
}

export function KeysetPager({
  scope,
  cursor,
  nextCursor,
  shown,
  noun,
  onNavigate,
}: {
  /** What identifies the list: its path and filters, without the cursor. */
  scope: string;
  cursor: string | undefined;
  nextCursor: string | null;
  /** Rows on this page. */
  shown: number;
  /** Plural, for the summary ("connections"). */
  noun: string;
  onNavigate: (cursor: string | undefined) => void;
}) {
  const trail = trailOf(scope);
  const onFirstPage = cursor === undefined;
  const knowsWayBack = cursor !== undefined && trail.has(cursor);
  return (
    <TableFooter>
      <span aria-live="polite">
        {shown} {noun}
        {onFirstPage
          ? nextCursor === null
            ? ''
            : ', newest first'
          : nextCursor === null
            ? ' (last page)'
            : ' (later page)'}
      </span>
      <nav className="row" aria-label="Pages">
        {onFirstPage ? null : (
          <Button
            size="sm"
            variant="secondary"
            onClick={() => onNavigate(knowsWayBack ? trail.get(cursor) : undefined)}
          >
            {knowsWayBack ? 'Previous' : 'First page'}
          </Button>
        )}
        {onFirstPage && nextCursor === null ? null : (
          <Button
            size="sm"
            variant="secondary"
            disabled={nextCursor === null}
            onClick={() => {
              if (nextCursor === null) return;
              trail.set(nextCursor, cursor);
              onNavigate(nextCursor);
            }}
          >
            Next page
            <ChevronRightIcon />
          </Button>
        )}
      </nav>
    </TableFooter>
  );
}
