// Integration tests drive real services and app processes; their own waits carry tighter deadlines.
jest.setTimeout(60_000);
