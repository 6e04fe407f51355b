// Routes of the home screens (added to the app's router in src/router.js; '/' is the home page too).
export const routes = [
  { path: '/home', component: () => import('./HomePage.vue'), meta: { tab: true } },
  { path: '/bureau', component: () => import('./BureauPage.vue'), meta: { tab: true } },
  // A bureau's lower region (a city's county), an enterprise, and one of its records read online.
  { path: '/bureau/regions/:code', component: () => import('./BureauPage.vue') },
  { path: '/bureau/:id', component: () => import('./BureauEnterprisePage.vue') },
  { path: '/bureau/:id/records/:entity/:rid', component: () => import('../bureau/BureauRecordPage.vue') },
];
