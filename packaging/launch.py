"""The frozen app's entry point (packaging/mlops-tracker.spec): the same as mlops-tracker."""

from tracker.cli import main

raise SystemExit(main())
