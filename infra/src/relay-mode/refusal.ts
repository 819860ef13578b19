/** A relay mode request the launcher refuses: the CLI prints its message on one line and exits 2. */
export class RelayModeRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RelayModeRefusal';
  }
}
