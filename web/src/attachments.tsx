import { isRecord, list, type Item } from './api.ts';

const KINDS: Record<string, { icon: string; label: string }> = {
  image: { icon: '📷', label: 'Photo' },
  video: { icon: '🎬', label: 'Video' },
  audio: { icon: '🎵', label: 'Audio' },
  file: { icon: '📄', label: 'File' },
  sticker: { icon: '🏷️', label: 'Sticker' },
  location: { icon: '📍', label: 'Location' },
};

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function size(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** What an attachment is, in words: "📷 Photo (image/jpeg, 1200×800)". */
export function attachmentLabel(attachment: Item): string {
  const kind = KINDS[str(attachment['type'])] ?? KINDS['file']!;
  const width = num(attachment['width']);
  const height = num(attachment['height']);
  const seconds = num(attachment['durationSeconds']);
  const details = [
    str(attachment['mimeType']),
    width && height ? `${width}×${height}` : '',
    seconds ? `${Math.round(seconds)} s` : '',
    size(num(attachment['sizeBytes'])),
  ].filter(Boolean);
  const name = str(attachment['name']);
  return `${kind.icon} ${kind.label}${name ? ` “${name}”` : ''}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/**
 * A post's media as chips: what each one is and its alt text, rendered as text. The media itself is
 * never loaded by the page (no <img>): "open" is a plain link the user chooses to follow.
 */
export function Attachments({ post }: { post: Item }) {
  const attachments = list(post, 'attachments').filter(isRecord);
  if (attachments.length === 0) return null;
  return (
    <span className="attachments">
      {attachments.map((attachment, index) => {
        const url = str(attachment['url']);
        const alt = str(attachment['alt']);
        return (
          <span className="attachment" key={index} title={alt || undefined}>
            {attachmentLabel(attachment)}
            {alt ? <span className="muted"> — {alt}</span> : null}
            {/^https:\/\//.test(url) ? (
              <>
                {' '}
                <a href={url} target="_blank" rel="noopener noreferrer nofollow">
                  open
                </a>
              </>
            ) : null}
          </span>
        );
      })}
    </span>
  );
}
