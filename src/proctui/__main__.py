from proctui.cli import main

raise SystemExit(main())
