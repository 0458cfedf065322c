import type { MailMessage } from '../../platform/mail/mail.port.js';

/**
 * The e-mails people receive about their account. French first (the customer's language), then
 * English, in each message: the recipient may not have chosen a language yet.
 */
export function invitationEmail(input: { name: string; email: string; organisationName: string; link: string; expiresAt: Date }): MailMessage {
  const until = input.expiresAt.toISOString().slice(0, 10);
  return {
    to: input.email,
    subject: `Votre compte Pli — ${input.organisationName} / Your Pli account`,
    template: 'invitation',
    text: [
      `Bonjour ${input.name},`,
      '',
      `Un compte Pli a été ouvert pour vous au sein de « ${input.organisationName} ».`,
      `Identifiant : ${input.email}`,
      '',
      'Choisissez votre mot de passe en ouvrant ce lien (utilisable une seule fois, valable jusqu’au ' + until + ') :',
      input.link,
      '',
      'Si vous n’attendiez pas ce message, ignorez-le.',
      '',
      '—',
      '',
      `Hello ${input.name},`,
      '',
      `A Pli account was opened for you in "${input.organisationName}".`,
      `Your identifier: ${input.email}`,
      '',
      `Choose your password with this link (single use, valid until ${until}):`,
      input.link,
      '',
      'If you did not expect this message, ignore it.',
    ].join('\n'),
  };
}

export function passwordResetEmail(input: { name: string; email: string; link: string; validMinutes: number }): MailMessage {
  return {
    to: input.email,
    subject: 'Réinitialisation de votre mot de passe Pli / Reset your Pli password',
    template: 'password_reset',
    text: [
      `Bonjour ${input.name},`,
      '',
      `Pour choisir un nouveau mot de passe, ouvrez ce lien (utilisable une seule fois, valable ${input.validMinutes} minutes) :`,
      input.link,
      '',
      'Si vous n’avez rien demandé, ignorez ce message : votre mot de passe ne change pas.',
      '',
      '—',
      '',
      `Hello ${input.name},`,
      '',
      `To choose a new password, open this link (single use, valid for ${input.validMinutes} minutes):`,
      input.link,
      '',
      'If you did not ask for this, ignore this message: your password stays the same.',
    ].join('\n'),
  };
}
