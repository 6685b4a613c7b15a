from screener.cli.main import main

raise SystemExit(main())
