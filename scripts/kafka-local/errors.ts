/** An error whose message is meant for the user as it is: one line, no stack. */
export class KafkaLocalError extends Error {
  /** Lines worth showing above the message, such as the tail of a log. */
  readonly detail: string | undefined;

  constructor(message: string, detail?: string) {
    super(message);
    this.name = 'KafkaLocalError';
    this.detail = detail;
  }
}
