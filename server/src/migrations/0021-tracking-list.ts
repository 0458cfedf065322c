/**
 * The tracking tab (M-5.1) at a million mailpieces per organisation: an organisation's
 * mailpieces newest first by keyset (`id` is time-ordered). A user's own orders already have
 * theirs (orders_creator), and an order's mailpieces the unique (order_id, number).
 */
export const statements: string[] = [
  `CREATE INDEX mailpieces_organisation ON mailpieces (organisation_id, id DESC)`,
];
