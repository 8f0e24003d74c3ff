from reducer.cli.main import main

main(prog_name="reducer")
