from hospitaldesk.app import main

raise SystemExit(main())
