/** Kubently's redaction markers (`<redacted: N bytes>`, `<redacted>`) and the withheld-output notice. */
const markerPattern = /(<redacted(?::[^>\n]{0,80})?>|kubently: output withheld[^\n]*)/g;

/**
 * Command output with every redaction marker visible as such (highlighted and labelled), so a
 * reader can tell a redacted value from an empty one. The text itself is shown as text, never HTML.
 */
export const RedactedOutput = ({ text, label }: { text: string; label: string }) => {
  const parts = text.split(markerPattern);
  return (
    <pre className="output" aria-label={label} tabIndex={0}>
      {parts.map((part, index) =>
        index % 2 === 1 ? (
          <mark key={index} className="redaction" title="redacted by Kubently">
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </pre>
  );
};

export const countMarkers = (text: string): number => text.match(markerPattern)?.length ?? 0;
