// Routes of the people screens (added to the app's router in src/router.js).
export const routes = [
  { path: '/badge', component: () => import('./BadgePage.vue') },
];
