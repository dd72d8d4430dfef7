// `empty`: the runtime's ceiling. Same reply as the real route, no work at all.
export default {
  fetch() {
    return new Response('{"message":"Postback received"}', { headers: { "content-type": "application/json" } });
  },
};
