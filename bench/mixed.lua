-- A mixed load: filtered lists, details and a static file, chosen at random per request.
local paths = {
  "/", "/projekt/", "/projekt/?country=KE", "/projekt/?country=KE&goal=16&year=2016",
  "/partnerskap/", "/partnerskap/?country=KE", "/partnerskap/?country=KE&goal=11&year=2016",
  "/partnerskap/?municipality=borlange", "/partnerskap/?page=3", "/kommuner/", "/mal/11/",
  "/lander/ke/", "/projekt/symbiocity-kenya/", "/partnerskap/demo-partnerskap-17/",
  "/partnerskap/demo-partnerskap-4242/", "/kommuner/borlange/", "/en/partnerskap/?goal=5",
  "/goal-colours.css", "/healthz",
}
math.randomseed(2026)
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
