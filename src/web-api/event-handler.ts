type Handler = (event: Event) => unknown;

/**
 * An event handler IDL attribute (`onconnect`, `oninputreport`, …) as HTML defines it
 * (https://html.spec.whatwg.org/#event-handler-attributes): the first non-null value registers one
 * listener, later values swap the callback in place, null (or a non-function) removes it.
 */
export class EventHandlerSlot {
  #handler: Handler | null = null;
  readonly #target: EventTarget;
  readonly #type: string;
  readonly #listener = (event: Event): void => {
    this.#handler?.call(this.#target, event);
  };

  constructor(target: EventTarget, type: string) {
    this.#target = target;
    this.#type = type;
  }

  get(): Handler | null {
    return this.#handler;
  }

  set(value: unknown): void {
    const handler = typeof value === 'function' ? (value as Handler) : null;
    if (handler && !this.#handler) this.#target.addEventListener(this.#type, this.#listener);
    if (!handler && this.#handler) this.#target.removeEventListener(this.#type, this.#listener);
    this.#handler = handler;
  }
}
