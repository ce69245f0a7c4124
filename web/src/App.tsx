import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { Layout } from './components/Layout';
import { RegistrationPage } from './features/applications/RegistrationPage';
import { TradingParticipantPage } from './features/applications/TradingParticipantPage';
import { HomePage } from './features/home/HomePage';
import { LoginPage } from './features/login/LoginPage';
import { NotFoundPage } from './features/NotFoundPage';

function RequireLogin({ children }: { children: React.ReactElement }) {
  const { session } = useAuth();
  return session ? children : <Navigate to="/login" replace />;
}

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Layout>
          <Routes>
            <Route path="/" element={<RequireLogin><HomePage /></RequireLogin>} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/apply/registration" element={<RegistrationPage />} />
            <Route path="/apply/trading-participant" element={<TradingParticipantPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Layout>
      </BrowserRouter>
    </AuthProvider>
  );
}
