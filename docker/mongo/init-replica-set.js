// Initiates replica set rs0 of the compose file's three members, once; later runs find it initiated and only wait
// for a primary. Run by the one-shot mongo-init service with mongosh.
const members = [
  { _id: 0, host: "mongo1:27017" },
  { _id: 1, host: "mongo2:27017" },
  { _id: 2, host: "mongo3:27017" },
];
try {
  rs.status();
  print("replica set rs0 already initiated");
} catch (e) {
  if (e.codeName !== "NotYetInitialized") {
    throw e;
  }
  rs.initiate({ _id: "rs0", members: members });
  print("replica set rs0 initiated");
}
for (let i = 0; i < 60; i++) {
  if (db.hello().isWritablePrimary || rs.status().members.some((m) => m.stateStr === "PRIMARY")) {
    print("rs0 has a primary");
    quit(0);
  }
  sleep(1000);
}
print("rs0 elected no primary within 60 s");
quit(1);
