import { parisDay } from '#domain/time/paris.js';

/**
 * What recipients receive. Their language is unknown: French first, then English. A registered
 * letter's notification reveals nothing of the sender — no name, logo, subject or message — until
 * the recipient accepts it (CPCE R.53-2); a simple letter's names its sender.
 */
function frenchDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
  return `${d} ${months[m! - 1]} ${y}`;
}

function englishDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${d} ${months[m! - 1]} ${y}`;
}

/** The last Paris day a deadline (an instant: the end of that day) leaves. */
const lastDay = (deadline: Date) => parisDay(new Date(deadline.getTime() - 1));

export interface NotificationInput {
  recipientName: string;
  envoi: string;
  link: string;
  /** Registered: the end of the window; simple with a fallback: when it is posted instead. */
  deadline: Date | null;
  reminder: boolean;
}

export function registeredNotification(n: NotificationInput): { subject: string; text: string } {
  const until = n.deadline ? lastDay(n.deadline) : null;
  const again = n.reminder ? 'Rappel : ' : '';
  const againEn = n.reminder ? 'Reminder: ' : '';
  return {
    subject: `${again}une lettre recommandée électronique vous attend / ${againEn}a registered electronic letter awaits you`,
    text: [
      `Bonjour ${n.recipientName},`,
      '',
      `Une lettre recommandée électronique vous a été adressée (envoi n° ${n.envoi}).`,
      'Comme le veut la loi, son expéditeur et son contenu ne vous seront révélés que si vous l’acceptez.',
      until ? `Vous pouvez l’accepter ou la refuser jusqu’au ${frenchDate(until)} inclus.` : '',
      '',
      'Pour y accéder :',
      `1. ouvrez ce lien : ${n.link}`,
      '2. confirmez votre identité auprès du fournisseur d’identité proposé ;',
      '3. saisissez le code reçu par SMS ;',
      '4. acceptez ou refusez la lettre.',
      '',
      'Sans réponse de votre part dans ce délai, elle vous sera envoyée par lettre recommandée papier.',
      '',
      '—',
      '',
      `Hello ${n.recipientName},`,
      '',
      `A registered electronic letter has been sent to you (envoi number ${n.envoi}).`,
      'As the law requires, its sender and content are revealed to you only if you accept it.',
      until ? `You may accept or refuse it until ${englishDate(until)} included.` : '',
      '',
      'To reach it:',
      `1. open this link: ${n.link}`,
      '2. confirm your identity with the identity provider offered;',
      '3. enter the code you receive by text message;',
      '4. accept or refuse the letter.',
      '',
      'Without an answer by then, it will be sent to you as registered paper mail.',
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n'),
  };
}

export function simpleNotification(n: NotificationInput & { sender: string; subject: string; code: string }): { subject: string; text: string } {
  const until = n.deadline ? lastDay(n.deadline) : null;
  const again = n.reminder ? 'Rappel : ' : '';
  const againEn = n.reminder ? 'Reminder: ' : '';
  return {
    subject: `${again}${n.sender} vous a envoyé un courrier / ${againEn}${n.sender} sent you a letter`,
    text: [
      `Bonjour ${n.recipientName},`,
      '',
      `${n.sender} vous a envoyé un courrier électronique : « ${n.subject} » (envoi n° ${n.envoi}).`,
      `Pour le lire, ouvrez ce lien : ${n.link}`,
      `et saisissez ce code d’accès (il ne sert qu’une fois) : ${n.code}`,
      until ? `S’il n’est pas ouvert d’ici le ${frenchDate(until)} inclus, il vous sera envoyé par la poste.` : '',
      '',
      '—',
      '',
      `Hello ${n.recipientName},`,
      '',
      `${n.sender} sent you an electronic letter: “${n.subject}” (envoi number ${n.envoi}).`,
      `To read it, open this link: ${n.link}`,
      `and enter this access code (it works once): ${n.code}`,
      until ? `If it is not opened by ${englishDate(until)} included, it will be sent to you by post.` : '',
    ]
      .filter((l, i, all) => l !== '' || all[i - 1] !== '')
      .join('\n'),
  };
}

/** The second factor of a registered letter's sign-in: a 6-digit code by text message. */
export function signInText(code: string): string {
  return `Pli : votre code de connexion est ${code} (valable 10 minutes). Your sign-in code is ${code} (valid 10 minutes).`;
}
