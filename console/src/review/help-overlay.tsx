import { useEffect, useRef } from 'react';

export const SHORTCUTS: [string, string][] = [
  ['j / k', 'next / previous draft'],
  ['x', 'select or unselect the open draft (shift-click a checkbox selects a range)'],
  ['p', 'publish the open draft (sent after 5 s: Undo or u until then)'],
  ['u', 'undo the last publish that is still waiting'],
  ['e', 'edit the open draft'],
  ['r', 'reject the open draft (type an optional reason, Enter)'],
  ['s', 'show or hide the source pane'],
  ['?', 'show this list'],
  ['Esc', 'close this list or the reject form'],
];

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  return (
    <div
      className="overlay"
      role="dialog"
      aria-modal="true"
      aria-label="Keyboard shortcuts"
      onClick={onClose}
    >
      <div className="overlay-card" onClick={(event) => event.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table className="shortcuts">
          <tbody>
            {SHORTCUTS.map(([keys, what]) => (
              <tr key={keys}>
                <td>
                  <kbd>{keys}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" ref={closeRef} className="btn btn-plain" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
