import { Navigate } from 'react-router-dom';
import { Loading } from '../components/Loading';
import { useSession } from '../features/accounts/session';
import { HomePage } from '../features/home/HomePage';
import { homeOf } from './navigation';
import { NotFoundPage } from './NotFoundPage';
import { PublicLayout } from './PublicLayout';
import { SignedInLayout } from './SignedInLayout';

/** `/`: the public home page, or the signed-in person's first page. */
export function HomeRoute() {
  const session = useSession();
  if (session.isPending) return <Loading />;
  const data = session.data;
  if (data?.stage === 'signed_in') return <Navigate to={homeOf(data.user.role)} replace />;
  return <HomePage />;
}

/** An unknown address, in the layout the person is in. */
export function NotFoundRoute() {
  const session = useSession();
  if (session.isPending) return <Loading />;
  if (session.data?.stage === 'signed_in') {
    return (
      <SignedInLayout>
        <NotFoundPage />
      </SignedInLayout>
    );
  }
  return (
    <PublicLayout>
      <NotFoundPage />
    </PublicLayout>
  );
}
