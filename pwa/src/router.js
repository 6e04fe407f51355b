// Routes (hash history, so the service worker only ever serves index.html) and the sign-in guard.
import { createRouter, createWebHashHistory } from 'vue-router';
import { useSession } from './composables/useSession.js';
import HazardListPage from './pages/HazardListPage.vue';
import HomePage from './home/HomePage.vue';
import { routes as homeRoutes } from './home/routes.js';
import { routes as peopleRoutes } from './people/routes.js';
import { routes as drillRoutes } from './drill/routes.js';
import { routes as trainingRoutes } from './training/routes.js';
import { routes as lockoutRoutes } from './lockout/routes.js';
import { routes as inspectionRoutes } from './inspection/routes.js';
import { routes as inboxRoutes } from './inbox/routes.js';

const routes = [
  { path: '/', component: HomePage, meta: { tab: true } },
  { path: '/hazards', component: HazardListPage, meta: { tab: true } },
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { public: true } },
  { path: '/hazards/new', component: () => import('./pages/HazardReportPage.vue'), meta: { tab: true } },
  { path: '/hazards/:id', component: () => import('./pages/HazardDetailPage.vue') },
  { path: '/hazards/:id/:action(assign|rectify|verify|dismiss)', component: () => import('./pages/HazardActionPage.vue') },
  { path: '/sync', component: () => import('./pages/SyncPage.vue'), meta: { tab: true } },
  { path: '/me', component: () => import('./pages/MePage.vue'), meta: { tab: true } },
  // Each record area owns its routes (src/<area>/routes.js).
  ...homeRoutes,
  ...peopleRoutes,
  ...drillRoutes,
  ...trainingRoutes,
  ...lockoutRoutes,
  ...inspectionRoutes,
  ...inboxRoutes,
  { path: '/:rest(.*)*', redirect: '/' },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  const { signedIn } = useSession();
  if (!to.meta.public && !signedIn.value) return { path: '/login' };
  return true;
});
