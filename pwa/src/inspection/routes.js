// Routes of the inspection screens (added to the app's router in src/router.js).
export const routes = [];
