/**
 * The floor's cut-off times decide the deposit day every quote promises, so a client's
 * transaction reads the floor's settings too (times and limits, nothing of any organisation's);
 * writing them stays the provider's.
 */
export const statements: string[] = [`CREATE POLICY floor_settings_read ON floor_settings FOR SELECT USING (true)`];
