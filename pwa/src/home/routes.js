// Routes of the home screens (added to the app's router in src/router.js; '/' is the home page too).
export const routes = [
  { path: '/home', component: () => import('./HomePage.vue'), meta: { tab: true } },
  { path: '/bureau', component: () => import('./BureauPage.vue'), meta: { tab: true } },
  { path: '/bureau/:id', component: () => import('./BureauEnterprisePage.vue') },
];
