"""Start HospitalDesk from a source checkout: `python main.py [--db PATH] [command]`."""
from hospitaldesk.app import main

if __name__ == "__main__":
    raise SystemExit(main())
