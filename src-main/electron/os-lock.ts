// Locking the vault with the operating system, as far as each platform lets Electron know:
//   - every platform: 'suspend' (the machine goes to sleep);
//   - macOS and Windows: 'lock-screen' (Electron emits it only there: docs/api/power-monitor.md,
//     and only electron_api_power_monitor_mac.mm and _win.cc emit it);
//   - Linux: no lock event exists, so getSystemIdleState is asked every few seconds; it answers
//     'locked' only where Chromium can tell ("locked is available on supported systems only").
// Settings and the README say the same per platform.
import { powerMonitor } from 'electron';

export const LOCK_POLL_MS = 5_000;
/** Seconds of idleness getSystemIdleState compares against; only its 'locked' answer is used. */
const IDLE_THRESHOLD_S = 60;

export function watchOsLock(platform: NodeJS.Platform, lock: () => void): void {
  powerMonitor.on('suspend', lock);
  if (platform === 'darwin' || platform === 'win32') {
    powerMonitor.on('lock-screen', lock);
    return;
  }
  let previous = 'unknown';
  const timer = setInterval(() => {
    const state = powerMonitor.getSystemIdleState(IDLE_THRESHOLD_S);
    // Once per lock: the screen staying locked is not a new lock.
    if (state === 'locked' && previous !== 'locked') lock();
    previous = state;
  }, LOCK_POLL_MS);
  timer.unref();
}
