import { randomInt } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Readable } from 'node:stream';
import type { Actor } from '../kernel/audit/audit.js';

/** Who the audit trail names for changes made with the `waymark` command. */
export function cliActor(): Actor {
  let who = '';
  try {
    who = ` (${userInfo().username}@${hostname()})`;
  } catch {
    // Some containers have no user name; the label alone still says where the change came from.
  }
  return { userId: null, label: `Waymark command line${who}` };
}

/**
 * The first line of a stream (without its line ending), or null when the stream ends without
 * sending anything. Stops reading at the first line break, so nothing else is consumed.
 */
export async function readFirstLine(stream: Readable): Promise<string | null> {
  return new Promise((resolve, reject) => {
    let text = '';
    let received = false;
    const finish = (value: string | null) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      received = true;
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline !== -1) finish(text.slice(0, newline).replace(/\r$/, ''));
    };
    const onEnd = () => finish(received ? text.replace(/\r$/, '') : null);
    const onError = (error: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** Letters and digits that cannot be mistaken for one another when read out or copied by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A strong password to hand over once: 24 random characters (about 119 bits) in four groups. */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 6; i++) group += ALPHABET.charAt(randomInt(ALPHABET.length));
    groups.push(group);
  }
  return groups.join('-');
}
