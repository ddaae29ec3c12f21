/** "Live" with a pulse while new operations stream in, and the button that pauses or resumes it. */
import { Button } from '../ui/button';
import type { LiveState } from './use-live-operations';

const TEXT: Record<LiveState, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  paused: 'Paused',
  error: 'Live updates interrupted; retrying…',
};

export function LiveToggle({
  state,
  onFirstPage,
  onPausedChange,
}: {
  state: LiveState;
  onFirstPage: boolean;
  onPausedChange: (paused: boolean) => void;
}) {
  const paused = state === 'paused';
  return (
    <div className="live-toggle">
      <span className={`live-indicator live-${state}`} role="status">
        <span className="live-dot" aria-hidden="true" />
        {onFirstPage || paused ? TEXT[state] : 'Live on the first page'}
      </span>
      <Button size="sm" variant="secondary" onClick={() => onPausedChange(!paused)}>
        {paused ? 'Resume live' : 'Pause live'}
      </Button>
    </div>
  );
}
