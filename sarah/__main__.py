from sarah.cli import main

raise SystemExit(main())
