/// <reference types="electron-vite/node" />
// Starts the sync's writer thread in the desktop app: electron-vite builds swap-worker.ts as a
// chunk of its own beside the main bundle and returns a function that starts it.
import startSwapWorker from './swap-worker.ts?nodeWorker';

export default startSwapWorker;
