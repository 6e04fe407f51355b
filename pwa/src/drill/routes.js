// Routes of the drill screens (added to the app's router in src/router.js).
export const routes = [];
