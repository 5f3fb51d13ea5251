// The key table's columns, and which of them fit the width the table has: the name, the status
// and the actions always; then, while they fit, the others in order of what a person scans for.
// What does not fit is in the key's detail pane, so no column is ever squeezed past reading.
import { useEffect, useMemo, useState, type RefObject } from 'react';
import type { SortColumn } from '../../src-preload/contract.ts';

export interface Column {
  id: 'name' | 'connection' | 'type' | 'status' | 'created' | 'expires' | 'masked' | 'actions';
  sort: SortColumn | null;
  label: string;
  /** The CSS grid track. */
  width: string;
  /** Its narrowest width in pixels (the track's minimum). */
  min: number;
  /** Lower goes first when the table is too narrow for every column (never: 0). */
  drop: number;
  /** The header's tooltip, where "Sort by …" would not say enough. */
  hint?: string;
}

export const COLUMNS: Column[] = [
  { id: 'name', sort: 'name', label: 'Name', width: 'minmax(200px, 2.2fr)', min: 200, drop: 0 },
  { id: 'connection', sort: 'connection', label: 'Connection', width: 'minmax(140px, 1.2fr)', min: 140, drop: 6 },
  { id: 'type', sort: 'type', label: 'Type', width: 'minmax(100px, 0.8fr)', min: 100, drop: 3 },
  { id: 'status', sort: 'status', label: 'Status', width: 'minmax(150px, 1.1fr)', min: 150, drop: 0 },
  // A date ("Nov 19, 2026") and the cell's padding.
  { id: 'created', sort: 'createdAt', label: 'Created', width: '124px', min: 124, drop: 2 },
  { id: 'expires', sort: 'expiresAt', label: 'Expires', width: '124px', min: 124, drop: 5, hint: 'Sort by expiry: the soonest first, never last' },
  { id: 'masked', sort: null, label: 'Access key / prefix', width: 'minmax(130px, 1fr)', min: 130, drop: 1 },
  // Four 30 px buttons, their gaps and the cell's padding.
  { id: 'actions', sort: null, label: 'Actions', width: '152px', min: 152, drop: 0 },
];

/** What a scroll bar and the cells' padding take besides the tracks. */
const SLACK = 20;

/** The columns that fit `width`, in their order; those that may be dropped go lowest first. */
export function fittingColumns(width: number, showConnection: boolean, showExpiry: boolean): Column[] {
  let shown = COLUMNS.filter((c) => (c.id !== 'connection' || showConnection) && (c.id !== 'expires' || showExpiry));
  const sum = (list: Column[]) => list.reduce((n, c) => n + c.min, SLACK);
  const droppable = shown.filter((c) => c.drop > 0).sort((a, b) => a.drop - b.drop);
  for (const column of droppable) {
    if (sum(shown) <= width) break;
    shown = shown.filter((c) => c !== column);
  }
  return shown;
}

/** The columns that fit the table's width now, following its resizes (the window, the detail pane). */
export function useFittingColumns(ref: RefObject<HTMLElement | null>, showConnection: boolean, showExpiry: boolean): Column[] {
  const [width, setWidth] = useState<number>(Number.POSITIVE_INFINITY);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      // Whole pixels: sub-pixel jitter must not re-render every row.
      if (entry) setWidth(Math.floor(entry.contentRect.width));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  const ids = fittingColumns(width, showConnection, showExpiry)
    .map((c) => c.id)
    .join(',');
  // Stable between renders while the same columns fit, so the memoized rows can skip re-rendering.
  return useMemo(() => COLUMNS.filter((c) => ids.split(',').includes(c.id)), [ids]);
}
