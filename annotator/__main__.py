from annotator.cli import main

if __name__ == "__main__":  # the search's counting processes import this module again
    raise SystemExit(main())
