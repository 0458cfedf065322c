import fs from 'node:fs';
import path from 'node:path';
import type { TextSender } from './outbox.js';

/**
 * Without a text-message gateway, texts are delivered to a folder on this machine, one `.txt`
 * file each, readable by the account that runs Pli only (as the mailbox is for e-mails): the
 * embedded default and the tests read a registered e-letter's sign-in code there.
 */
export function createTextboxSender(dir: string): TextSender {
  let n = 0;
  return {
    async send(msg) {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${String(++n).padStart(4, '0')}-${msg.to.replace(/[^0-9+]/g, '_')}.txt`);
      // Written aside then renamed: a reader never sees half a message.
      fs.writeFileSync(`${file}.part`, `To: ${msg.to}\n\n${msg.text}\n`, { mode: 0o600 });
      fs.renameSync(`${file}.part`, file);
    },
  };
}
