console.log("edm console test asset");
