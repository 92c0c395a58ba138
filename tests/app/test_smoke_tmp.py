from .fakes import API_SILENT

async def test_home_runs(build):
    app = build()
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(app.screen)
        app.save_screenshot("/tmp/home.svg")
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        print(app.screen, app.screen_stack)
