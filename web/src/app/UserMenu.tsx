import { Avatar, Group, Menu, Text, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { SessionUser } from '../features/accounts/session';
import { useSignOut } from '../features/accounts/use-sign-out';
import classes from './Layout.module.css';

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** The person's name and organisation; opens Profile and Sign out. */
export function UserMenu({ user }: { user: SessionUser }) {
  const { t } = useTranslation();
  const signOut = useSignOut('here');
  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton className={classes.userButton} aria-label={t('userMenu.label', { name: user.name })}>
          <Group gap="xs" wrap="nowrap">
            <Avatar size="sm" radius="xl" color="blue" aria-hidden>
              {initials(user.name)}
            </Avatar>
            <div className={classes.userText}>
              <Text size="sm" fw={600} truncate="end">
                {user.name}
              </Text>
              <Text size="xs" c="dimmed" truncate="end">
                {user.organisation.name}
              </Text>
            </div>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {user.name} · {user.organisation.name}
        </Menu.Label>
        <Menu.Item component={Link} to="/profile">
          {t('userMenu.profile')}
        </Menu.Item>
        <Menu.Item onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {t('userMenu.signOut')}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
