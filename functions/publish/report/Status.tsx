import type { GoalStatus } from '../goals.ts';

/** A status in a word and a symbol; the colour only repeats what they say. */
export function Status(props: { status: GoalStatus; label: string; symbol: string }) {
  return (
    <span class={`status status-${props.status}`}>
      <span aria-hidden="true">{props.symbol}</span> {props.label}
    </span>
  );
}
