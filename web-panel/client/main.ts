/** Entry point: defining <lathe-app> is all it takes; index.html already contains the element. */
import './lathe-app.ts';
