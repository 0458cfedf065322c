import type { ContractOptions } from './api';

/** The four options of a contract, in the order of the customer's price list. */
export const OPTION_LABEL = {
  undelivered_mail: 'contract.options.undelivered_mail',
  simple_archive: 'contract.options.simple_archive',
  electronic_archive: 'contract.options.electronic_archive',
  user_assistance: 'contract.options.user_assistance',
} as const satisfies Record<keyof ContractOptions, string>;

export const OPTION_KEYS = Object.keys(OPTION_LABEL) as Array<keyof ContractOptions>;

export const ORGANISATION_STATUS = {
  active: { label: 'clients.status.active', color: 'green' },
  suspended: { label: 'clients.status.suspended', color: 'red' },
} as const;
