// Routes of the people screens (added to the app's router in src/router.js).
export const routes = [
  { path: '/badge', component: () => import('./BadgePage.vue') },
  { path: '/people', component: () => import('./PeopleListPage.vue') },
  { path: '/people/new', component: () => import('./UserFormPage.vue') },
  { path: '/people/:id', component: () => import('./UserDetailPage.vue') },
  { path: '/people/:id/edit', component: () => import('./UserFormPage.vue') },
  { path: '/enterprises', component: () => import('./EnterpriseListPage.vue') },
  { path: '/enterprises/new', component: () => import('./EnterpriseFormPage.vue') },
  { path: '/enterprises/:id/edit', component: () => import('./EnterpriseFormPage.vue') },
];
